return greet(ARGV[1])
