"""Tests of Azure Bot Service channels on /api/messages."""
