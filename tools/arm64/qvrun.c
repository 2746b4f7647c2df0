/* The ARM64 board binary's entry: qvrun's command (Sources/8-CommandLine/QVRun, Embedded Swift,
   written on the C API) run with main's arguments. tools/build-arm64.sh links it statically. */
int qvrun_main(int argc, char **argv);

int main(int argc, char **argv) { return qvrun_main(argc, argv); }
