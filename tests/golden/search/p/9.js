newsletterSearchShard("p/9", {"a":{"96_of":[19]},"t":{}});
