"""The read side: queries over the chronicle's entries and partners."""
