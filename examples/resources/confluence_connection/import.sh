# A connection is imported by its name and any space of its scope; the record
# there lists the whole scope. The token cannot be imported: the next apply
# verifies the api_token_wo given in the configuration.
terraform import confluence_connection.docs_bot docs-bot:DOCS
