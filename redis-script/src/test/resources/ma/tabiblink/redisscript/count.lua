-- Test script: increments a counter, so a run proves the script executed on the server.
return redis.call('INCR', KEYS[1])
