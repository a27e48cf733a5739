import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { useEffect, useState } from 'react';

export type IssuedToken = { botName: string; token: string; previousValidUntil?: Date | null };

/** A value and its copy button; `onCopied` tells the modal the token left the page. */
function Copyable({
  label,
  value,
  onCopied,
}: {
  label: string;
  value: string;
  onCopied: () => void;
}) {
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              size="xs"
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : 'blue'}
              aria-label={`Copy ${label}`}
              onClick={() => {
                copy();
                onCopied();
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} aria-label={label}>
        {value}
      </Code>
    </Stack>
  );
}

/**
 * The one time a bot's token is shown: the server keeps no copy of it. Escape and a click
 * outside do nothing here, and closing before anything was copied asks first.
 */
export function TokenModal({
  issued,
  onClose,
}: {
  issued: IssuedToken | null;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new token starts over
  useEffect(() => {
    setCopied(false);
    setConfirming(false);
  }, [issued]);
  // The server's address as this page reached it: what a script on the studio network uses.
  const url = window.location.origin;
  const markCopied = () => {
    setCopied(true);
    setConfirming(false);
  };

  return (
    <Modal
      opened={issued !== null}
      onClose={() => (copied ? onClose() : setConfirming(true))}
      title={issued ? `API token for ${issued.botName}` : ''}
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
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
          <Copyable
            label=".env for pnpm bot"
            value={`CLAPPER_URL=${url}\nCLAPPER_TOKEN=${issued.token}`}
            onCopied={markCopied}
          />
          <Copyable
            label="Check it with curl"
            value={`curl -s -H 'Authorization: Bearer ${issued.token}' ${url}/trpc/auth.me`}
            onCopied={markCopied}
          />
          {confirming ? (
            <Alert color="red" title="The token has not been copied" role="alert">
              <Stack gap="xs">
                <Text size="sm">
                  Once this window closes the token cannot be shown again; only a new one can be
                  made.
                </Text>
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
                    Back to the token
                  </Button>
                  <Button color="red" onClick={onClose}>
                    Close without copying
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <Group justify="flex-end">
              <CopyButton value={issued.token}>
                {({ copied: justCopied, copy }) => (
                  <Button
                    color={justCopied ? 'teal' : 'blue'}
                    onClick={() => {
                      copy();
                      markCopied();
                    }}
                  >
                    {justCopied ? 'Copied' : 'Copy token'}
                  </Button>
                )}
              </CopyButton>
              <Button
                variant="default"
                onClick={() => (copied ? onClose() : setConfirming(true))}
                data-autofocus
              >
                Done
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Modal>
  );
}
