newsletterSearchShard("p/k", {"a":{"keep_track":[11],"keep_up":[12],"kilometr_in":[8],"kind_fall":[8],"knowledg_infrastructur":[15],"known_groceri":[22],"kong_the":[11]},"t":{}});
