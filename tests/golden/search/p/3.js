newsletterSearchShard("p/3", {"a":{"30_may":[21],"31_may":[22],"32_articl":[20],"368_app":[22],"37_app":[5],"37_had":[5],"38_of":[10],"3_2":[10],"3_chines":[5],"3_or":[3]},"t":{}});
