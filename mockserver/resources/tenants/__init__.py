"""Tenants: Novu's v1 tenant routes, and what a trigger's `tenant` reads."""
