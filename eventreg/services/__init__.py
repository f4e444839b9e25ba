"""The rules of eventreg. Services flush but never commit; the caller commits once."""
