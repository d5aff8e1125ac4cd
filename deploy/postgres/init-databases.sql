-- One database per service: each owns its data and shares nothing with the others but the
-- event bus. Runs once, when the data volume is new, as POSTGRES_USER (their owner).
CREATE DATABASE nominations;
CREATE DATABASE voting;
CREATE DATABASE jury;
