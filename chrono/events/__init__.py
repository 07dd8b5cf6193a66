"""The write side: value objects, entry kinds, the entry aggregate, the application."""
