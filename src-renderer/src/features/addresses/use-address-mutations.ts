import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AddressFields, AddressView, ChannelInput } from '../../../../src-preload/contract';
import { useApiClient } from '../../api/api-context';
import { ChannelError } from '../../api/channel-error';
import { callChannel, channelKey } from '../../api/hooks';
import type { OneTimeSecret } from './one-time-secret';

export interface CreateAddressVariables {
  readonly fields: ChannelInput<'addresses:create'>['fields'];
  readonly secret: OneTimeSecret | undefined;
}

export interface UpdateAddressVariables {
  readonly id: string;
  readonly patch: Partial<AddressFields>;
  readonly secret: OneTimeSecret | undefined;
}

export interface UpdateAddressResult {
  readonly addressChanged: boolean;
  readonly secretChanged: boolean;
}

function useInvalidateAddresses() {
  const queryClient = useQueryClient();
  // Every change to an address is also a lifecycle event.
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: channelKey('addresses:list') }),
      queryClient.invalidateQueries({ queryKey: channelKey('addresses:events') }),
    ]);
}

export function useCreateAddress() {
  const { api } = useApiClient();
  const invalidate = useInvalidateAddresses();
  return useMutation<AddressView, ChannelError, CreateAddressVariables>({
    mutationFn: ({ fields, secret }) => {
      const value = secret?.take();
      return callChannel(api, 'addresses:create', value === undefined ? { fields } : { fields, secret: value });
    },
    onSettled: invalidate,
  });
}

/** Saves changed fields first; the secret is replaced only when those were accepted. */
export function useUpdateAddress() {
  const { api } = useApiClient();
  const invalidate = useInvalidateAddresses();
  return useMutation<UpdateAddressResult, ChannelError, UpdateAddressVariables>({
    mutationFn: async ({ id, patch, secret }) => {
      const value = secret?.take();
      const addressChanged = Object.keys(patch).length > 0;
      if (addressChanged) await callChannel(api, 'addresses:update', { id, patch });
      if (value === undefined) return { addressChanged, secretChanged: false };
      try {
        await callChannel(api, 'vault:set-secret', { addressId: id, secret: value });
      } catch (error) {
        if (error instanceof ChannelError && addressChanged) {
          throw new ChannelError({
            ...error.appError,
            message: `Your other changes were saved, but the new secret was not stored: ${error.appError.message}`,
          });
        }
        throw error;
      }
      return { addressChanged, secretChanged: true };
    },
    onSettled: invalidate,
  });
}

export function useDeleteAddress() {
  const { api } = useApiClient();
  const invalidate = useInvalidateAddresses();
  return useMutation({
    mutationFn: (id: string) => callChannel(api, 'addresses:delete', { id }),
    onSettled: invalidate,
  });
}
