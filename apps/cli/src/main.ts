import { buildProgram } from './program';
import { reportError } from './exit';

buildProgram()
  .parseAsync(process.argv)
  .catch((err) => {
    process.exitCode = reportError(err);
  });
