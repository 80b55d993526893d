newsletterSearchShard("p/4", {"a":{"41391_2022":[2],"4_chines":[22]},"t":{}});
