// Preloaded (node --import) into a server started with --cpu-prof: Portico's server.mjs installs no
// signal handler, so SIGTERM would end it without writing the profile. Exiting normally writes it.
process.once("SIGTERM", () => process.exit(0));
