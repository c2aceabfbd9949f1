-- One database per service (they share none), created by the postgres image on its first start
-- (mounted into /docker-entrypoint-initdb.d/ by docker-compose.yml; runs only on an empty data volume).
-- The *_test databases are the ones @QuarkusTest uses, as ./platform creates them, so that
-- ./mvnw verify can run against the compose stack too.
CREATE DATABASE backup;
CREATE DATABASE recovery;
CREATE DATABASE verification;
CREATE DATABASE notification;

CREATE DATABASE backup_test;
CREATE DATABASE recovery_test;
CREATE DATABASE verification_test;
CREATE DATABASE notification_test;
