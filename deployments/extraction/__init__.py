"""Rule-based extraction of candidate deployment events from article text."""
