"""Topics (v2): named groups of subscribers a trigger can address at once."""
