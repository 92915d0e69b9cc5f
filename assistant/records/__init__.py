"""Records: the masked log of questions and answers, ratings, and how long both are kept."""
