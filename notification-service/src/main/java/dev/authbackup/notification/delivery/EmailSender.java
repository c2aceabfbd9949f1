package dev.authbackup.notification.delivery;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Renders a message from its plain and HTML Qute templates and hands it to the SMTP server. */
@ApplicationScoped
public class EmailSender {

    private final ReactiveMailer mailer;
    private final Template codeText;
    private final Template codeHtml;
    private final Template noticeText;
    private final Template noticeHtml;

    public EmailSender(ReactiveMailer mailer, @Location("mail/code.txt") Template codeText,
            @Location("mail/code.html") Template codeHtml, @Location("mail/notice.txt") Template noticeText,
            @Location("mail/notice.html") Template noticeHtml) {
        this.mailer = mailer;
        this.codeText = codeText;
        this.codeHtml = codeHtml;
        this.noticeText = noticeText;
        this.noticeHtml = noticeHtml;
    }

    /** The message, rendered: what a rendering test looks at. */
    public Mail codeMail(String to, Map<String, Object> data) {
        return render(to, "Your verification code", codeText, codeHtml, data);
    }

    public Mail noticeMail(String to, Map<String, Object> data) {
        return render(to, "Your security info changed", noticeText, noticeHtml, data);
    }

    public Uni<Void> send(Mail mail) {
        return mailer.send(mail).onFailure().transform(e -> new TransientDeliveryException(
                "SMTP server did not take the message: " + e.getClass().getSimpleName()));
    }

    private static Mail render(String to, String subject, Template text, Template html, Map<String, Object> data) {
        var plain = text.instance();
        var rich = html.instance();
        data.forEach((name, value) -> {
            plain.data(name, value);
            rich.data(name, value);
        });
        return Mail.withText(to, subject, plain.render()).setHtml(rich.render());
    }
}
