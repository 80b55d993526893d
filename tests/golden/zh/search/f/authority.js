newsletterSearchShard("f/authority", {"CAC":[0],"CSRC":[1,8],"MIIT":[3,2],"SAMR":[2,10],"TC260":[2,8]});
