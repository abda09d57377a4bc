// placeholder until scenarios land
