"""The one package every service imports: schemas, events, config, database, auth and mail."""
