newsletterSearchShard("p/7", {"a":{"7_may":[13]},"t":{}});
