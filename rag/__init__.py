"""newsrag: ask a pile of news articles questions, get answers with citations you can check."""
