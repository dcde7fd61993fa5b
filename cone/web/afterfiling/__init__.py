"""After filing: the filing marked filed for real, the events that follow, the decision and its conditions."""
