-- Shared local functions, placed before the script that uses them.
local function greet(name)
  return 'hello ' .. name
end
