"""Documents made from a filing and its pack: the public notice, the timeline, answers as printed."""
