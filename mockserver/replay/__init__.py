"""Fixture replay: cassettes of real traffic, recorded through a validating proxy, replayed
offline, and verified against a live server."""
