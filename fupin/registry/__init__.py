"""The household registry (一户一档): households, members, yearly income, status, pairing."""
