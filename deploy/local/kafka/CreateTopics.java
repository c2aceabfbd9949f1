// Creates the platform's topics if they are missing (run by ./platform with the Kafka jars on the
// class path: java -cp "libs/*" CreateTopics.java <bootstrap>). Idempotent.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

public class CreateTopics {

    static final int PARTITIONS = 6;

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args.length > 0 ? args[0] : "127.0.0.1:9092");
        Map<String, Map<String, String>> topics = new java.util.LinkedHashMap<>();
        for (String events : List.of("backup.events", "recovery.events", "verification.events", "device.events")) {
            topics.put(events, Map.of());
        }
        // One-time codes in flight: kept one hour at most.
        topics.put("verification.code-deliveries", Map.of("retention.ms", "3600000"));
        for (String service : List.of("backup-service", "recovery-service", "verification-service", "notification-service")) {
            topics.put(service + ".dlq", Map.of("retention.ms", "1209600000"));
        }
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            topics.forEach((name, config) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, PARTITIONS, (short) 1).configs(config));
                }
            });
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
            System.out.println(missing.size() + " created, " + (topics.size() - missing.size()) + " already present");
        }
    }
}
