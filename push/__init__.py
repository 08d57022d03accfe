"""Pushing policies to businesses: profiles and subscriptions, the outbox, re-matching and webhook delivery."""
