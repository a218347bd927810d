"""Events: trigger, bulk trigger, broadcast and cancel; what a trigger delivers (messages,
notifications, the outbox) and the routes that read them back."""
