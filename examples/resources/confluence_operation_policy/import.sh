# An operation policy is imported by its connection's name.
terraform import confluence_operation_policy.docs_bot docs-bot
