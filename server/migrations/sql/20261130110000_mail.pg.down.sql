DROP TABLE mail_outbox;
--bun:split
DROP TABLE password_resets;
