"""Contribute: how listings come in and stay right (forms, intake, sheets, write-back, reminders)."""
