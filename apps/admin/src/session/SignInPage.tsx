import { Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api';
import { FormError, useServerErrors } from '../components/FormError';

export function SignInPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { email: '', password: '' } });
  const serverErrors = useServerErrors(form);
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: () => queryClient.resetQueries(),
      onError: serverErrors.show,
    }),
  );
  return (
    <Center h="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={380} radius="md">
        <form
          aria-label="Sign in"
          onSubmit={form.onSubmit((values) => {
            serverErrors.clear();
            login.mutate(values);
          })}
        >
          <Stack>
            <Title order={2}>Clapper</Title>
            <FormError message={serverErrors.message} />
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              {...form.getInputProps('email')}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={login.isPending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
