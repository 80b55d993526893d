newsletterSearchShard("f/section", {"enforcement":[0,5,7,3,7,1],"industry":[4,3,1,3,5,3],"views":[6,8,4,7],"regulatory":[1,1,1,6,1,3,4,3,1,3]});
