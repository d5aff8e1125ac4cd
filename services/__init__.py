"""The three services of the campaign platform: nominations (the hub), voting and jury."""
