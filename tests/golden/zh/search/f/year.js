newsletterSearchShard("f/year", {"2022":[0,1,1,1,1,1,1,1,1,1,1,1,1]});
