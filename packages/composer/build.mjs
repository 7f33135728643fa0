// placeholder until the composer page lands
process.exit(0);
