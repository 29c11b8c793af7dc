return redis.error_reply('SLOT_TAKEN the slot ' .. ARGV[1] .. ' is taken')
