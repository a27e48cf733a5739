import { Alert, Button, CopyButton, Group, Modal, Stack, Text, Textarea } from '@mantine/core';

export type IssuedToken = { botName: string; token: string; previousValidUntil?: Date | null };

/** The one time a bot's token is shown: the server keeps no copy of it. */
export function TokenModal({
  issued,
  onClose,
}: {
  issued: IssuedToken | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={issued !== null}
      onClose={onClose}
      title={issued ? `API token for ${issued.botName}` : ''}
      closeOnClickOutside={false}
      size="lg"
    >
      {issued && (
        <Stack>
          <Alert color="yellow" title="Copy this token now">
            It will not be shown again. Store it in your pipeline's secret store; if it is lost,
            regenerate a new one.
          </Alert>
          {issued.previousValidUntil && (
            <Text size="sm">
              The previous token keeps working until{' '}
              {issued.previousValidUntil.toLocaleTimeString()}.
            </Text>
          )}
          <Textarea
            label="API token"
            value={issued.token}
            readOnly
            autosize
            minRows={3}
            styles={{ input: { fontFamily: 'monospace', wordBreak: 'break-all' } }}
            onFocus={(e) => e.currentTarget.select()}
          />
          <Group justify="flex-end">
            <CopyButton value={issued.token}>
              {({ copied, copy }) => (
                <Button color={copied ? 'teal' : 'blue'} onClick={copy}>
                  {copied ? 'Copied' : 'Copy token'}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose} data-autofocus>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
