newsletterSearchShard("p/8", {"a":{"84_app":[22],"84_had":[22],"8_april":[0],"8_june":[22]},"t":{}});
