newsletterSearchShard("f/section", {"views":[6,5],"enforcement":[0,5,7],"regulatory":[1,1,1,6,1],"industry":[4,3,1]});
