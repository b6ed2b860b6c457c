import { Box, Text } from 'ink';

export const KEYS: [string, string][] = [
  ['q / Ctrl-C', 'stop the load, drain, show the summary (Ctrl-C again aborts)'],
  ['p', 'pause or resume the load'],
  ['+ / -', 'raise or lower the rate by 10%'],
  ['e', 'show or hide the event tail'],
  ['?', 'show or hide this help'],
];

/** Rows the panel takes: one per key, and its border. */
export const HELP_ROWS = KEYS.length + 2;

export function HelpPanel() {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      {KEYS.map(([key, what]) => (
        <Text key={key}>
          <Text bold color="cyan">{key.padEnd(12)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
