newsletterSearchShard("p/5", {"a":{"5_000":[23]},"t":{}});
