newsletterSearchShard("p/q", {"a":{"q_a":[7],"qinglang_action":[0],"qinglang_campaign":[0],"queri_individu":[12],"question_it":[14],"question_renew":[15]},"t":{}});
