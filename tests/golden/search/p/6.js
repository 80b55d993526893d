newsletterSearchShard("p/6", {"a":{"60_squar":[8],"66_articl":[9]},"t":{}});
