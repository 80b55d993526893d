newsletterSearchShard("p/0", {"a":{"000_or":[23]},"t":{}});
