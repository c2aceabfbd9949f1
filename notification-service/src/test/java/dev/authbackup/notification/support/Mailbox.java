package dev.authbackup.notification.support;

import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Reads what GreenMail received for one address, over IMAP (GreenMail creates the user on first mail). */
public final class Mailbox {

    private Mailbox() {
    }

    /** A received message: subject, plain text part and HTML part. */
    public record Mail(String subject, String text, String html, String to) {
    }

    public static List<Mail> of(String address) {
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", Integer.toString(Gateways.imapPort()));
        try {
            Store store = Session.getInstance(props).getStore("imap");
            store.connect("127.0.0.1", Gateways.imapPort(), address, address);
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                List<Mail> mails = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    String text = null;
                    String html = null;
                    Object content = message.getContent();
                    if (content instanceof Multipart multipart) {
                        for (int i = 0; i < multipart.getCount(); i++) {
                            BodyPart part = multipart.getBodyPart(i);
                            if (part.isMimeType("text/plain")) {
                                text = part.getContent().toString();
                            } else if (part.isMimeType("text/html")) {
                                html = part.getContent().toString();
                            } else if (part.getContent() instanceof Multipart nested) {
                                for (int j = 0; j < nested.getCount(); j++) {
                                    BodyPart inner = nested.getBodyPart(j);
                                    if (inner.isMimeType("text/plain")) {
                                        text = inner.getContent().toString();
                                    } else if (inner.isMimeType("text/html")) {
                                        html = inner.getContent().toString();
                                    }
                                }
                            }
                        }
                    } else {
                        text = String.valueOf(content);
                    }
                    mails.add(new Mail(message.getSubject(), text, html, message.getAllRecipients()[0].toString()));
                }
                inbox.close(false);
                return mails;
            } finally {
                store.close();
            }
        } catch (jakarta.mail.AuthenticationFailedException e) {
            return List.of(); // no mail yet: GreenMail has not created that user
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the mailbox: " + e.getMessage(), e);
        }
    }
}
