"""Domain models: accounts, tokens, catalogue, orders, logistics, webhooks."""
